// The search page: queries the Pagefind index that the build writes to pagefind/, in the
// browser; nothing leaves the site. Results link to the passage, with the words marked.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const siteRoot = new URL("../", import.meta.url);
const SHOWN = 20;

let bundles = null;
let latest = 0;

// The index comes in bundles (pagefind/bundles.json): a folder with many pages is one of its
// own, and a large site is indexed in parts. Each is searched on its own, and the results
// are put in one list by score, as Pagefind's own mergeIndex does.
async function engines() {
  if (bundles === null) {
    const listed = await (await fetch(new URL("pagefind/bundles.json", siteRoot))).json();
    bundles = await Promise.all(listed.map(async (bundle) => {
      const pagefind = await import(new URL(bundle + "pagefind.js", siteRoot).href);
      await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 24 });
      return pagefind;
    }));
  }
  return bundles;
}

async function search(query) {
  const found = await Promise.all((await engines()).map((bundle) => bundle.search(query)));
  const terms = folded(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const kept = await Promise.all(found.map(async ({ results }) =>
    results.length > 0 && await matchesEveryTerm(results[0], terms) ? results : []));
  return kept.flat().sort((a, b) => b.score - a.score);
}

// Where a bundle has no word that begins like a search term, Pagefind falls back to the
// longest word it has that the term begins with: often one letter ("R" of an alphabetical
// list, for "refugees"). It does so for a whole bundle at once, so the bundle's first result
// tells: kept only if, for each term, one of the words it matched holds the term's first
// four letters (a longer or shorter form of the word, or another spelling, still does).
async function matchesEveryTerm(result, terms) {
  if (result.words.length === 0) return true;  // matched in its title only
  const words = (await result.data()).content.split(/\s+/);
  const matched = result.words.map((i) => folded(words[i] || ""));
  return terms.every((term) => matched.some((word) => word.includes(term.slice(0, 4))));
}

function folded(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
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
  const results = await search(query);
  if (ticket !== latest) return;  // a newer search has started
  const data = await Promise.all(results.slice(0, SHOWN).map((r) => r.data()));
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
  const total = results.length;
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
