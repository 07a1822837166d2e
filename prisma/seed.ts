// Demo accounts from the contract (password demo1234), each with a few notifications.
// Seeds only an empty database. Run by `npm start` (unless SEED_DEMO=0) or `npm run db:seed`.
import { createPrismaClient } from "../lib/db/create";
import { hashPassword } from "../lib/auth/password";

export const DEMO_PASSWORD = "demo1234";
export const DEMO_ACCOUNTS = [
  { email: "admin@example.com", name: "Ada Admin", role: "admin" },
  { email: "alice@example.com", name: "Alice", role: "user" },
  { email: "bob@example.com", name: "Bob", role: "user" },
] as const;

const WELCOME = [
  {
    title: "Welcome to your inbox",
    body: "Notifications arrive here **live**. The bell in the header shows how many are unread.",
    link: "/inbox",
  },
  {
    title: "Try it from another window",
    body: "Sign in as `admin@example.com` elsewhere and send yourself a message: the badge rises without a reload.",
    link: null,
  },
  {
    title: "Keyboard friendly",
    body: "Everything here works with the keyboard: *Tab* to move, *Enter* to act, *Escape* to close the dropdown.",
    link: null,
  },
];

export async function seedDemo(databaseUrl: string): Promise<boolean> {
  const db = createPrismaClient(databaseUrl, { poolSize: 2 });
  try {
    if ((await db.user.count()) > 0) return false;
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const account of DEMO_ACCOUNTS) {
      const user = await db.user.create({ data: { ...account, passwordHash } });
      await db.notification.createMany({
        data: WELCOME.map((n, i) => ({
          ...n,
          userId: user.id,
          kind: "message",
          createdAt: new Date(Date.now() - (WELCOME.length - i) * 3600_000),
          readAt: i === 0 ? new Date() : null,
        })),
      });
    }
    return true;
  } finally {
    await db.$disconnect();
  }
}

if (require.main === module) {
  seedDemo(process.env.DATABASE_URL ?? "file:./data/app.db")
    .then((seeded) => console.log(seeded ? "[seed] demo accounts created" : "[seed] database not empty; nothing to do"))
    .catch((e: unknown) => {
      console.error("[seed] failed", e);
      process.exit(1);
    });
}
