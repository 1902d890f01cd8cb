-- The epoch of this database's history (docs/database.md, "Epoch"): hall ids and versions
-- mean the same thing only within one epoch, so clients resume only within it. A new
-- database gets its epoch here; a copied or restored one gets a new one from
-- `npm run db:new-epoch` (a new embedded data folder copied from a template renews it
-- on its own).

-- CreateTable
CREATE TABLE "database_epoch" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "epoch" UUID NOT NULL DEFAULT gen_random_uuid(),
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "database_epoch_pkey" PRIMARY KEY ("id"),
    -- One row only.
    CONSTRAINT "database_epoch_single_row" CHECK ("id")
);

INSERT INTO "database_epoch" DEFAULT VALUES;
