from django.db import migrations

from legation.core.migration_ops import RunSQLPerVendor

# PostgreSQL estimates how many engagements contain a word from the statistics ANALYZE keeps of
# the text index's expression: with the default hundred samples a word in one engagement of a
# hundred ("wang") was taken for one in two thousand, and the search read and sorted all 10,000
# matches (21 ms) where walking the newest first finds twenty in 2,000 rows (4 ms). 250 samples
# tell them apart; the search bounds that walk (engagements.search.newest_matching).
STATISTICS = {
    'postgresql': [
        'ALTER INDEX engagement_text_trgm ALTER COLUMN 1 SET STATISTICS 250',
        'ANALYZE engagements_engagement',
    ],
}
DEFAULT = {'postgresql': ['ALTER INDEX engagement_text_trgm ALTER COLUMN 1 SET STATISTICS -1']}


class Migration(migrations.Migration):

    dependencies = [('engagements', '0013_list_filter_indexes')]

    operations = [RunSQLPerVendor(STATISTICS, DEFAULT)]
