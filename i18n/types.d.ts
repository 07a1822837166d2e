import type en from "./messages/en.json";
import type { Locale } from "./config";

declare module "use-intl" {
  interface AppConfig {
    Messages: typeof en;
    Locale: Locale;
  }
}
