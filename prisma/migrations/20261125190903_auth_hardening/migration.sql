-- AlterTable
ALTER TABLE "login_failure" ALTER COLUMN "created_at" SET DEFAULT transaction_timestamp();

-- Pending registrations started before this migration belong to no browser (no nonce)
-- and live 10 minutes at most: drop them rather than leave them unfinishable.
DELETE FROM "pending_registration";

-- AlterTable
ALTER TABLE "pending_registration" ADD COLUMN     "nonce_hash" TEXT NOT NULL,
ALTER COLUMN "created_at" SET DEFAULT transaction_timestamp();

-- CreateIndex
CREATE INDEX "login_failure_created_at_idx" ON "login_failure"("created_at");

-- CreateIndex
CREATE INDEX "pending_registration_expires_at_idx" ON "pending_registration"("expires_at");
