import { redirect } from "next/navigation";
import { getPageUser } from "@/lib/auth/page-session";

export default async function Home() {
  redirect((await getPageUser()) ? "/inbox" : "/login");
}
