import { getTranslator } from "@/i18n/server";
import { consumeOrThrow, limiter } from "@/lib/http/rate-limit";
import { withUser } from "@/lib/http/route";
import { sendLabTest } from "@/lib/lab/test-notification";

export const dynamic = "force-dynamic";

/** At most 30 test notifications per user per minute. */
const perUser = () => limiter("lab-test", 30, 60);

// No input: the recipient is the caller, the text is fixed (in the caller's language).
export const POST = withUser(async ({ user }) => {
  await consumeOrThrow(perUser(), user.id);
  const { t } = await getTranslator();
  const sent = await sendLabTest(user.id, (n) => ({ title: t("lab.notification.title", { n }), body: t("lab.notification.body") }));
  return Response.json(sent, { status: 201, headers: { "Cache-Control": "no-store" } });
});
