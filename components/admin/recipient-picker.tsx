"use client";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { adminApi, type UserMatch } from "@/lib/client/admin-api";

const DEBOUNCE_MS = 150;
/** Good enough to take typed text as an address; the server has the last word (422 names unknowns). */
export const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+$/;

type Props = {
  id: string;
  emails: string[];
  onChange(emails: string[]): void;
  /** What is typed and not yet added (the form adds a whole address when it is sent). */
  text: string;
  onTextChange(text: string): void;
  invalid: boolean;
  describedBy: string;
};

/**
 * Recipients by email, with autocomplete (ARIA combobox with a listbox): type a name or an email,
 * pick a match with the arrows and Enter (or the mouse), or press Enter on a whole address.
 * Backspace in the empty field removes the last recipient.
 */
export function RecipientPicker({ id, emails, onChange, text, onTextChange: setText, invalid, describedBy }: Props) {
  const t = useTranslations("admin.compose");
  const [matches, setMatches] = useState<UserMatch[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [searched, setSearched] = useState<string | null>(null);
  const listId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  const query = text.trim();
  useEffect(() => {
    if (!query) {
      setMatches([]);
      setOpen(false);
      setSearched(null);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      adminApi
        .searchUsers(query.slice(0, 100), abort.signal)
        .then((found) => {
          setMatches(found);
          setActive(-1);
          setOpen(true);
          setSearched(query);
        })
        .catch(() => undefined);
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [query]);

  const shown = matches.filter((m) => !emails.includes(m.email));
  const expanded = open && shown.length > 0;

  function add(email: string) {
    const e = email.trim().toLowerCase();
    if (e && !emails.includes(e)) onChange([...emails, e]);
    setText("");
    setMatches([]);
    setOpen(false);
    setActive(-1);
    inputRef.current?.focus();
  }

  function remove(email: string) {
    onChange(emails.filter((e) => e !== email));
    inputRef.current?.focus();
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!shown.length) return;
      e.preventDefault();
      setOpen(true);
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (i < 0 ? (step > 0 ? 0 : shown.length - 1) : (i + step + shown.length) % shown.length));
    } else if (e.key === "Enter") {
      // Never submits the form from here while something is typed.
      const choice = expanded && active >= 0 ? shown[active] : undefined;
      if (choice) {
        e.preventDefault();
        add(choice.email);
      } else if (query) {
        e.preventDefault();
        if (LOOKS_LIKE_EMAIL.test(query)) add(query);
        else if (shown.length === 1) add(shown[0]!.email);
      }
    } else if (e.key === "," && LOOKS_LIKE_EMAIL.test(query)) {
      e.preventDefault();
      add(query);
    } else if (e.key === "Escape") {
      if (expanded) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      }
    } else if (e.key === "Backspace" && !text && emails.length) {
      onChange(emails.slice(0, -1));
    }
  }

  return (
    <div className="flex flex-col gap-2">
      {emails.length > 0 && (
        <ul aria-label={t("recipientsList")} className="flex flex-wrap gap-1.5" data-testid="recipients">
          {emails.map((email) => (
            <li
              key={email}
              className="flex items-center gap-1 rounded-full border border-sky-200 bg-sky-50 py-0.5 pr-1 pl-2.5 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100"
            >
              <span>{email}</span>
              <button
                type="button"
                aria-label={t("remove", { email })}
                onClick={() => remove(email)}
                className="rounded-full px-1.5 leading-5 hover:bg-sky-200 focus-visible:outline-2 focus-visible:outline-sky-500 dark:hover:bg-sky-800"
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="relative">
        <input
          ref={inputRef}
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
          aria-invalid={invalid || undefined}
          aria-describedby={`${hintId} ${describedBy}`}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
          onFocus={() => setOpen(true)}
          className="input"
        />
        <ul
          id={listId}
          role="listbox"
          aria-label={t("suggestions")}
          hidden={!expanded}
          className="absolute z-10 mt-1 max-h-64 w-full overflow-y-auto rounded-md border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {shown.map((m, i) => (
            <li
              key={m.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              data-testid="recipient-option"
              // mousedown, not click: the input must keep focus (its blur would close the list first)
              onMouseDown={(e) => {
                e.preventDefault();
                add(m.email);
              }}
              onMouseEnter={() => setActive(i)}
              className={`flex cursor-pointer items-baseline justify-between gap-2 px-3 py-1.5 text-sm ${
                i === active ? "bg-sky-100 dark:bg-sky-900" : ""
              }`}
            >
              <span className="min-w-0 truncate">
                <span className="font-medium">{m.name}</span> <span className="text-zinc-600 dark:text-zinc-400">{m.email}</span>
              </span>
              {m.role === "admin" && <span className="shrink-0 text-xs text-amber-700 dark:text-amber-300">{t("roles.admin")}</span>}
            </li>
          ))}
        </ul>
      </div>
      <p id={hintId} className="text-xs text-zinc-500 dark:text-zinc-400">
        {t("recipientsHint")}
      </p>
      <p role="status" className="sr-only">
        {searched !== null && open ? t("suggestionCount", { count: shown.length }) : ""}
      </p>
    </div>
  );
}
