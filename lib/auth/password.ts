import bcrypt from "bcryptjs";

const COST = 10;
// Compared against when the email is unknown, so both paths take the same time.
let dummyHash: string | undefined;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  dummyHash ??= bcrypt.hashSync("not-a-password", COST);
  const ok = await bcrypt.compare(password, hash ?? dummyHash);
  return ok && hash != null;
}
