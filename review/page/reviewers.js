// reviewers.js: the review page's blinded mode, unblinding, and two reviewers' agreement with the
// list of their disagreements to adjudicate (included into review/page.html after decide.js).
//
// Blinded: the queue is asked for with blind=REVIEWER, so the server sends pseudonyms instead of
// animal IDs, no recording, date, drug, dose or period, in an order shuffled by the reviewer's key;
// the page then names events only by their handles.  Unblinding is a POST the store logs.

// The reviewer the queue is blinded for; "" when not blinded.
function blindReviewer() { return $("blind").checked ? reviewer() : ""; }

$("blind").addEventListener("change", () => {
  $("blind").blur();
  if ($("blind").checked && !reviewer()) {
    $("blind").checked = false;
    setStatus("blinded review needs the reviewer's name");
    return;
  }
  if (browse.on) browseOn(false);  // browse.js: browsing shows what blinding hides
  sel = 0;
  events = [];
  load();
});

$("unblind").addEventListener("click", async () => {
  $("unblind").blur();
  if (!reviewer()) { setStatus("unblinding needs the reviewer's name"); return; }
  if (!confirm("Unblind " + reviewer() + "? The store logs it.")) return;
  try {
    const data = await api("/api/unblind", { method: "POST",
      body: JSON.stringify({ reviewer: reviewer() }),
      headers: { "Content-Type": "application/json" } });
    $("blind").checked = false;
    const list = $("unblinded");
    list.replaceChildren();
    for (const m of data.animals) {
      const li = document.createElement("li");
      li.textContent = m.pseudonym + " = " + m.animal;
      list.appendChild(li);
    }
    load();
  } catch (err) {
    setStatus("not unblinded: " + err.message);
  }
});

// Two reviewers: agreement per type and the events they disagree on (click: go to the event;
// an adjudicating decision is a newer decision, by whoever adjudicates).
$("agree").addEventListener("click", async () => {
  $("agree").blur();
  const q = new URLSearchParams({ a: $("rev-a").value.trim(), b: $("rev-b").value.trim() });
  try {
    const data = await api("/api/agreement?" + q.toString());
    const table = $("kappa");
    table.replaceChildren();
    for (const t of data.types) {
      const tr = document.createElement("tr");
      cell(tr, t.type);
      cell(tr, String(t.n), "num");
      cell(tr, (100 * t.agreement).toFixed(1) + " %", "num");
      cell(tr, t.kappa === null ? "-" : t.kappa.toFixed(3), "num");
      table.appendChild(tr);
    }
    const list = $("disagreements");
    list.replaceChildren();
    for (const d of data.disagreements) {
      const li = document.createElement("li");
      li.textContent = d.animal + " " + d.channel + " " + d.start + " (" + d.type + "): " +
        q.get("a") + " " + d.a + ", " + q.get("b") + " " + d.b;
      li.addEventListener("click", () => jumpTo(d.id));
      list.appendChild(li);
    }
    setStatus("");
  } catch (err) {
    setStatus("no agreement: " + err.message);
  }
});

// Select the event with this handle, clearing the filters when it is not listed.
async function jumpTo(id) {
  if (events.findIndex((e) => e.id === id) < 0) {
    for (const [, el] of FILTERS) if (el !== "f-sort") $(el).value = "";
    await load();
  }
  const i = events.findIndex((e) => e.id === id);
  if (i >= 0) select(i);
}
