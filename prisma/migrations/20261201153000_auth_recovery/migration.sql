-- CreateTable
CREATE TABLE "login_address" (
    "user_id" INTEGER NOT NULL,
    "ip" TEXT NOT NULL,
    "last_success_at" TIMESTAMPTZ(3) NOT NULL DEFAULT transaction_timestamp(),

    CONSTRAINT "login_address_pkey" PRIMARY KEY ("user_id","ip")
);

-- CreateTable
CREATE TABLE "enrolment_token" (
    "slot" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" INTEGER,
    "totp_secret" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT transaction_timestamp(),

    CONSTRAINT "enrolment_token_pkey" PRIMARY KEY ("slot")
);

-- CreateTable
CREATE TABLE "auth_audit" (
    "id" BIGSERIAL NOT NULL,
    "action" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "ip" TEXT,
    "detail" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT transaction_timestamp(),

    CONSTRAINT "auth_audit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "enrolment_token_token_hash_key" ON "enrolment_token"("token_hash");

-- CreateIndex
CREATE INDEX "enrolment_token_expires_at_idx" ON "enrolment_token"("expires_at");

-- CreateIndex
CREATE INDEX "auth_audit_created_at_idx" ON "auth_audit"("created_at");

-- AddForeignKey
ALTER TABLE "login_address" ADD CONSTRAINT "login_address_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrolment_token" ADD CONSTRAINT "enrolment_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
