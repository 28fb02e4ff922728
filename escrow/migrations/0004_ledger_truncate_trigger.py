"""TRUNCATE of the ledger tables is refused like UPDATE and DELETE (statement-level triggers).

The test suite empties its throw-away database between transactional tests with TRUNCATE; it sets
the session variable `escrow.allow_truncate = on` on its own connections (tests/conftest.py).
Nothing else sets it.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION escrow_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('escrow.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'escrow: TRUNCATE on % is refused: the ledger is append-only', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER escrow_transfer_no_truncate
    BEFORE TRUNCATE ON escrow_transfer
    FOR EACH STATEMENT EXECUTE FUNCTION escrow_refuse_truncate();

CREATE TRIGGER escrow_leg_no_truncate
    BEFORE TRUNCATE ON escrow_leg
    FOR EACH STATEMENT EXECUTE FUNCTION escrow_refuse_truncate();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS escrow_leg_no_truncate ON escrow_leg;
DROP TRIGGER IF EXISTS escrow_transfer_no_truncate ON escrow_transfer;
DROP FUNCTION IF EXISTS escrow_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("escrow", "0003_payout_batches_and_idempotency")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
