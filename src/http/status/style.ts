// The status page's only stylesheet, inline so the page is one request and needs no JavaScript.
// Mobile first: one column, large type; under 600px the history strip shows the last 30 days,
// because 90 bars on a phone would be a smear of 2px lines.
export const STATUS_CSS = `
:root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--text:#1b2230;--muted:#596273;--line:#e2e5ea;--ok:#12a150}
@media (prefers-color-scheme:dark){:root{--bg:#0f141d;--card:#171e2b;--text:#e8ebf1;--muted:#9aa3b3;--line:#2a3344}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;-webkit-text-size-adjust:100%}
.wrap{max-width:760px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:8px 0 16px;line-height:1.2}
h2{font-size:1.1rem;margin:0 0 12px}
section{margin:28px 0}
.banner{border-radius:10px;padding:14px 16px;color:#fff;font-weight:600;font-size:1.05rem;background:var(--sev,var(--ok))}
.incident{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--sev);border-radius:10px;padding:14px 16px;margin:0 0 12px}
.incident h3{margin:6px 0 2px;font-size:1.15rem;line-height:1.3;overflow-wrap:anywhere}
.tags{margin:0;display:flex;gap:8px;flex-wrap:wrap;font-size:.8rem;font-weight:600}
.sev{background:var(--sev);color:#fff;border-radius:999px;padding:1px 10px}
.state{border:1px solid var(--line);border-radius:999px;padding:0 10px;color:var(--muted)}
.meta{margin:0 0 10px;color:var(--muted);font-size:.9rem}
.updates{list-style:none;margin:0;padding:0}
.updates li{border-top:1px solid var(--line);padding:10px 0 4px}
.when{margin:0;color:var(--muted);font-size:.85rem}
.when strong{color:var(--text)}
.text{margin:2px 0 0;overflow-wrap:anywhere;white-space:pre-wrap}
.bars{list-style:none;margin:0;padding:0;display:flex;gap:2px;height:44px}
.bars li{flex:1;min-width:0;border-radius:2px;background:var(--c,var(--ok))}
.axis{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem;margin-top:4px}
.narrow{display:none}
@media (max-width:600px){.bars li:nth-child(-n+60){display:none}.bars{gap:3px}.wide{display:none}.narrow{display:inline}}
.legend{list-style:none;padding:0;margin:10px 0 0;display:flex;gap:6px 16px;flex-wrap:wrap;font-size:.85rem;color:var(--muted)}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;background:var(--c);margin-right:6px}
.summary{margin:8px 0 0;font-size:.9rem;color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.components{list-style:none;margin:0;padding:0;background:var(--card);border:1px solid var(--line);border-radius:10px}
.components li{display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap;padding:10px 16px;border-top:1px solid var(--line);border-left:6px solid var(--sev,var(--ok))}
.components li:first-child{border-top:0}
.components .name{font-weight:600}
.components .state{border:0;padding:0}
details.incident{padding:10px 16px}
summary{cursor:pointer;font-weight:600;overflow-wrap:anywhere}
footer{color:var(--muted);font-size:.85rem;margin:32px 0 16px}
a{color:inherit}
`;
