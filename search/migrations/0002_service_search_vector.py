"""Full-text columns on services_service, owned by the search app.

Four plain text columns hold the Python-normalised text (filled by search.indexing from a
post_save signal); PostgreSQL derives a weighted tsvector from them in a STORED generated
column (title A, tags B, description and expert name C) with a GIN index. The 'simple'
configuration: PostgreSQL has no Persian stemmer, and 'simple' has no stop words to lose.
Partial B-tree indexes serve the sorts and filters of published services.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE services_service
    ADD COLUMN search_title text NOT NULL DEFAULT '',
    ADD COLUMN search_tags text NOT NULL DEFAULT '',
    ADD COLUMN search_body text NOT NULL DEFAULT '',
    ADD COLUMN search_expert text NOT NULL DEFAULT '';
ALTER TABLE services_service
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, search_title), 'A')
        || setweight(to_tsvector('simple'::regconfig, search_tags), 'B')
        || setweight(to_tsvector('simple'::regconfig, search_body), 'C')
        || setweight(to_tsvector('simple'::regconfig, search_expert), 'C')
    ) STORED;
CREATE INDEX search_service_vector ON services_service USING gin (search_vector);
CREATE INDEX search_service_pub_price ON services_service (min_price, id) WHERE status = 'published';
CREATE INDEX search_service_pub_days ON services_service (min_delivery_days, id) WHERE status = 'published';
CREATE INDEX search_service_pub_cat ON services_service (category_id) WHERE status = 'published';
"""

BACKWARD = """
DROP INDEX IF EXISTS search_service_pub_cat;
DROP INDEX IF EXISTS search_service_pub_days;
DROP INDEX IF EXISTS search_service_pub_price;
DROP INDEX IF EXISTS search_service_vector;
ALTER TABLE services_service DROP COLUMN IF EXISTS search_vector;
ALTER TABLE services_service
    DROP COLUMN IF EXISTS search_title, DROP COLUMN IF EXISTS search_tags,
    DROP COLUMN IF EXISTS search_body, DROP COLUMN IF EXISTS search_expert;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("services", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
