import { createAccount } from "@/lib/auth/create-account";
import { signupSchema } from "@/lib/auth/schemas";
import { env } from "@/lib/env";
import { parseJson } from "@/lib/http/body";
import { clientIp } from "@/lib/http/client-ip";
import { consumeOrThrow, limiter } from "@/lib/http/rate-limit";
import { withPublic } from "@/lib/http/route";

const signups = () => limiter("signup-ip", env.SIGNUP_LIMIT_PER_10_MIN, 10 * 60);

export const POST = withPublic(async ({ req }) => {
  await consumeOrThrow(signups(), clientIp(req.headers));
  const input = await parseJson(req, signupSchema, 8 * 1024);
  const user = await createAccount(input);
  return Response.json(user, { status: 201 });
});
