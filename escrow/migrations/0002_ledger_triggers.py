"""Database-enforced ledger rules (DESIGN.md §3).

* A transfer whose legs do not sum to zero, or that has fewer than two legs, is refused at commit
  (constraint triggers, DEFERRABLE INITIALLY DEFERRED, so legs can be inserted one by one).
* Transfers and legs are immutable: UPDATE and DELETE are refused; a correction is a new transfer.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION escrow_check_transfer_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    tid bigint;
    total numeric;
    n integer;
BEGIN
    IF TG_TABLE_NAME = 'escrow_leg' THEN
        tid := NEW.transfer_id;
    ELSE
        tid := NEW.id;
    END IF;
    SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, n FROM escrow_leg WHERE transfer_id = tid;
    IF total <> 0 THEN
        RAISE EXCEPTION 'escrow: transfer % is unbalanced: its legs sum to %', tid, total
            USING ERRCODE = 'check_violation';
    END IF;
    IF n < 2 THEN
        RAISE EXCEPTION 'escrow: transfer % has % leg(s); a transfer needs at least two', tid, n
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER escrow_leg_balanced
    AFTER INSERT ON escrow_leg
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION escrow_check_transfer_balanced();

CREATE CONSTRAINT TRIGGER escrow_transfer_balanced
    AFTER INSERT ON escrow_transfer
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION escrow_check_transfer_balanced();

CREATE FUNCTION escrow_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'escrow: % on % is refused: the ledger is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER escrow_transfer_immutable
    BEFORE UPDATE OR DELETE ON escrow_transfer
    FOR EACH ROW EXECUTE FUNCTION escrow_refuse_change();

CREATE TRIGGER escrow_leg_immutable
    BEFORE UPDATE OR DELETE ON escrow_leg
    FOR EACH ROW EXECUTE FUNCTION escrow_refuse_change();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS escrow_leg_immutable ON escrow_leg;
DROP TRIGGER IF EXISTS escrow_transfer_immutable ON escrow_transfer;
DROP FUNCTION IF EXISTS escrow_refuse_change();
DROP TRIGGER IF EXISTS escrow_transfer_balanced ON escrow_transfer;
DROP TRIGGER IF EXISTS escrow_leg_balanced ON escrow_leg;
DROP FUNCTION IF EXISTS escrow_check_transfer_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("escrow", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
