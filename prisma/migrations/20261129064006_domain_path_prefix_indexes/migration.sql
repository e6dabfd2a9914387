-- CreateIndex
CREATE INDEX "OutboundMessage_senderDomainPath_prefix_idx" ON "OutboundMessage"("senderDomainPath" text_pattern_ops);

-- CreateIndex
CREATE INDEX "MailEvent_domainPath_prefix_idx" ON "MailEvent"("domainPath" text_pattern_ops, "at");
