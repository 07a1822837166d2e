"use client";
import ReactMarkdown from "react-markdown";

/**
 * Notification bodies are Markdown from admins and backends. react-markdown never renders raw
 * HTML and drops unsafe URLs (javascript:, data:), so nothing in a body can run script.
 */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="prose-notification">
      <ReactMarkdown
        skipHtml
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="underline">
              {children}
            </a>
          ),
          img: ({ alt }) => <span>{alt}</span>,
        }}
      >
        {source}
      </ReactMarkdown>
    </div>
  );
}
