import type { Metadata } from "next";
import { SignupForm } from "@/components/auth-forms";
import { getTranslator } from "@/i18n/server";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getTranslator();
  return { title: `${t("auth.signupTitle")} · ${t("app.name")}` };
}

export default function SignupPage() {
  return <SignupForm />;
}
