// The search page: queries the Pagefind index that the build writes to pagefind/, in the
// browser; nothing leaves the site. Results link to the passage, with the words marked.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const siteRoot = new URL("../", import.meta.url);
const SHOWN = 20;

let pagefind = null;
let latest = 0;

// The index comes in one or more bundles (a large site is indexed in parts); the first is
// searched with the others merged in.
async function engine() {
  if (pagefind === null) {
    const bundles = await (await fetch(new URL("pagefind/bundles.json", siteRoot))).json();
    pagefind = await import(new URL(bundles[0] + "pagefind.js", siteRoot).href);
    await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 24 });
    for (const bundle of bundles.slice(1)) {
      await pagefind.mergeIndex(new URL(bundle, siteRoot).pathname, { baseUrl: siteRoot.pathname });
    }
  }
  return pagefind;
}

// Pagefind's excerpt is text with <mark> around the words found; keep exactly that.
function excerpt(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html").body;
  const out = document.createElement("p");
  parsed.childNodes.forEach((node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.appendChild(mark);
    } else {
      out.appendChild(document.createTextNode(node.textContent));
    }
  });
  return out;
}

function withHighlight(url, query) {
  const [path, hash] = url.split("#");
  const param = "highlight=" + encodeURIComponent(query);
  return path + (path.includes("?") ? "&" : "?") + param + (hash ? "#" + hash : "");
}

async function run(query) {
  const ticket = ++latest;
  list.replaceChildren();
  if (!query.trim()) {
    status.textContent = "Type a word or a name to search every page of the site.";
    return;
  }
  status.textContent = "Searching…";
  const found = await (await engine()).search(query);
  if (ticket !== latest || !found) return;  // a newer search has started
  const data = await Promise.all(found.results.slice(0, SHOWN).map((r) => r.data()));
  if (ticket !== latest) return;
  data.forEach((page) => {
    const part = (page.sub_results || []).find((s) => s.url.includes("#")) || page;
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = withHighlight(part.url, query);
    link.textContent = page.meta.title + (part !== page && part.title ? " › " + part.title : "");
    item.appendChild(link);
    item.appendChild(excerpt(part.excerpt || page.excerpt));
    list.appendChild(item);
  });
  const total = found.results.length;
  status.textContent = total === 0
    ? `Nothing found for “${query}”.`
    : `${total} page${total === 1 ? "" : "s"} found for “${query}”` +
      (total > SHOWN ? `; the first ${SHOWN} are shown.` : ".");
}

function fromAddress() {
  return new URLSearchParams(location.search).get("q") || "";
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value;
  history.replaceState(null, "", "?q=" + encodeURIComponent(query));
  run(query);
});
let timer = 0;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(input.value), 250);
});

input.value = fromAddress();
if (input.value) run(input.value); else { status.textContent = "Type a word or a name to search every page of the site."; input.focus(); }
