// The board and the delivery log. Dragging a card onto another column submits the card's own
// Move form, so the server does exactly what the Move button does. Live updates: the server's
// events say the read models (or the delivery log) moved on, and the page fetches itself and
// swaps its content in. Without JavaScript the forms still work and pages are refreshed by hand.
"use strict";

let dragged = null;
let stale = false;

function bindDragging(root) {
  for (const card of root.querySelectorAll('.card[draggable="true"]')) {
    card.addEventListener("dragstart", (event) => {
      dragged = card;
      event.dataTransfer.setData("text/plain", card.dataset.deal);
      card.classList.add("dragging");
    });
    card.addEventListener("dragend", () => {
      card.classList.remove("dragging");
      dragged = null;
      if (stale) refresh();
    });
  }
  for (const column of root.querySelectorAll(".column[data-stage]")) {
    column.addEventListener("dragover", (event) => {
      if (dragged) {
        event.preventDefault();
        column.classList.add("over");
      }
    });
    column.addEventListener("dragleave", () => column.classList.remove("over"));
    column.addEventListener("drop", (event) => {
      event.preventDefault();
      column.classList.remove("over");
      const select = dragged && dragged.querySelector('form.move select[name="stage_id"]');
      if (!select || select.value === column.dataset.stage) return;
      select.value = column.dataset.stage;
      select.form.submit();
    });
  }
}

// True while the user is working in a form of the page (choosing a card's stage, say, then
// pressing Move): a swap then would throw away the choice, the click and the keyboard focus.
function busy() {
  const active = document.activeElement;
  return Boolean(active && active.closest("main form"));
}

// Fetches this page again and swaps its main content in (not while a card is being dragged or
// a field is in use: then once the user leaves the field). A live part may name the page to
// fetch (`data-page`): a result page shown at a form's POST address cannot be fetched again.
async function refresh() {
  if (dragged || busy()) {
    if (!stale) document.addEventListener("focusout", () => setTimeout(() => stale && refresh(), 0), { once: true });
    stale = true;
    return;
  }
  stale = false;
  const stream = document.querySelector("[data-live]");
  const address = (stream && stream.dataset.page) || location.href;
  const answer = await fetch(address, { headers: { Accept: "text/html" } });
  if (!answer.ok) return;
  const page = new DOMParser().parseFromString(await answer.text(), "text/html");
  // A live part marked data-swap="self" (the delivery log) is swapped alone, so that forms
  // around it keep what is being typed.
  const live = document.querySelector('[data-live][data-swap="self"]');
  const freshLive = page.querySelector('[data-live][data-swap="self"]');
  if (live && freshLive) {
    live.replaceWith(freshLive);
    return;
  }
  const fresh = page.querySelector("main");
  const main = document.querySelector("main");
  if (!fresh || !main) return;
  main.replaceChildren(...fresh.childNodes);
  bindDragging(main);
}

function position() {
  const board = document.querySelector("[data-live]");
  return board ? board.dataset.position : null;
}

// One stream at a time, always from the position the page shows (the board's, or the log's).
function listen() {
  const board = document.querySelector("[data-live]");
  if (!board || !window.EventSource) return;
  const source = new EventSource(`${board.dataset.live}?after=${encodeURIComponent(position())}`);
  source.addEventListener("changed", async () => {
    source.close();
    await refresh();
    listen();
  });
  source.addEventListener("error", () => {
    source.close();
    setTimeout(listen, 1000);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  bindDragging(document);
  listen();
});

// Copy buttons (`data-copy` names the field or block to copy). Hidden without JavaScript, where
// the read-only fields can be selected and copied by hand. A successful copy marks the button
// with `data-copied` and says so.
function copyText(id) {
  const target = document.getElementById(id);
  if (!target) return Promise.reject(new Error("nothing to copy"));
  const text = "value" in target ? target.value : target.textContent;
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  if (target.select) target.select();
  return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
}

function bindCopying(root) {
  for (const button of root.querySelectorAll("button.copy[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      copyText(button.dataset.copy).then(
        () => {
          button.dataset.copied = "true";
          button.textContent = "Copied";
        },
        () => {
          button.textContent = "Select and copy by hand";
        },
      );
    });
  }
}

document.addEventListener("DOMContentLoaded", () => bindCopying(document));
