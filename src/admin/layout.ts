import { html, SafeHtml } from './html.ts';

export const BASE = '/admin/bulk-users';

const NAV: [path: string, label: string][] = [
  ['/', 'Populations'],
  ['/plan', 'Plan'],
  ['/runs', 'Run history'],
  ['/cleanup', 'Cleanup'],
  ['/create', 'Create batch'],
];

/** Small, readable on a laptop screen, usable with the keyboard (visible focus, skip link, native controls). */
const STYLE = `
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
a{color:#0b57d0}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:1}
header{background:#1b2a41;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;padding:4px 8px;border-radius:4px}
header a[aria-current=page]{background:#3b5b8c}
header .who{margin-left:auto;display:flex;gap:8px;align-items:center}
main{max-width:1180px;margin:0 auto;padding:16px 24px}
h1{font-size:1.4rem;margin:.4rem 0 1rem}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1rem}
caption{text-align:left;font-weight:600;padding:6px 0}
th,td{border:1px solid #d6dae0;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#fff;border:1px solid #d6dae0;padding:12px;overflow:auto}
.ok{color:#137333}.bad{color:#b3261e}.warn{color:#8a5300}
.box{background:#fff;border:1px solid #d6dae0;padding:12px 16px;margin-bottom:1rem}
.error{border-color:#b3261e;background:#fdecea}
.notice{border-color:#137333;background:#e6f4ea}
form.inline{display:inline}
label{display:block;margin:.5rem 0 .2rem;font-weight:600}
label.check{font-weight:400;display:flex;gap:6px;align-items:center}
input,select,button{font:inherit;padding:5px 8px}
input[type=text],input[type=password],input[type=number],select{width:min(100%,360px)}
button{background:#0b57d0;color:#fff;border:0;border-radius:4px;padding:6px 14px;cursor:pointer;margin-top:.6rem}
button.danger{background:#b3261e}
button.plain{background:none;color:#fff;border:1px solid #9fb3d1}
:focus-visible{outline:3px solid #f9ab00;outline-offset:2px}
small{color:#555}
ul.conds{margin:0;padding-left:1.1rem}
`;

export interface LayoutOptions {
  title: string;
  /** Which NAV entry is current. */
  current?: string;
  /** Shown top right with a log-out button; absent on the login page. */
  who?: string;
  /** For the log-out form (none when auth is disabled). */
  csrfToken?: string;
  /** Seconds until the page reloads itself (progress of an apply). */
  refresh?: number;
}

export function layout(opts: LayoutOptions, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.refresh ? html`<meta http-equiv="refresh" content="${opts.refresh}">` : ''}
<title>${opts.title} · bulk-users admin</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<strong>bulk-users</strong>
${
  opts.who !== undefined
    ? html`<nav aria-label="Main">${NAV.map(([p, label]) => html`<a href="${BASE}${p}"${opts.current === p ? html` aria-current="page"` : ''}>${label}</a> `)}</nav>
<div class="who"><span>${opts.who}</span>${
        opts.csrfToken
          ? html`<form class="inline" method="post" action="${BASE}/logout"><input type="hidden" name="_csrf" value="${opts.csrfToken}"><button class="plain" type="submit">Log out</button></form>`
          : ''
      }</div>`
    : ''
}
</header>
<main id="main">
<h1>${opts.title}</h1>
${body}
</main>
</body>
</html>
`;
}

export function errorBox(message: string, details: readonly string[] = []): SafeHtml {
  return html`<div class="box error" role="alert"><p>${message}</p>${details.length ? html`<ul>${details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}</div>`;
}

export function formatTime(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
