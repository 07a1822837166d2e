-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "audienceRole" TEXT,
ALTER COLUMN "userId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "BroadcastReceipt" (
    "userId" TEXT NOT NULL,
    "notificationId" TEXT NOT NULL,
    "readAt" TIMESTAMP(3),
    "hiddenAt" TIMESTAMP(3),

    CONSTRAINT "BroadcastReceipt_pkey" PRIMARY KEY ("userId","notificationId")
);

-- CreateIndex
CREATE INDEX "BroadcastReceipt_notificationId_readAt_idx" ON "BroadcastReceipt"("notificationId", "readAt");

-- AddForeignKey
ALTER TABLE "BroadcastReceipt" ADD CONSTRAINT "BroadcastReceipt_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BroadcastReceipt" ADD CONSTRAINT "BroadcastReceipt_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification"("id") ON DELETE CASCADE ON UPDATE CASCADE;

