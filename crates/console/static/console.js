// Board: dragging a card onto another column submits the card's own Move form, so the server
// does exactly what the Move button does. Without JavaScript the form still works.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  let dragged = null;
  for (const card of document.querySelectorAll('.card[draggable="true"]')) {
    card.addEventListener("dragstart", (event) => {
      dragged = card;
      event.dataTransfer.setData("text/plain", card.dataset.deal);
      card.classList.add("dragging");
    });
    card.addEventListener("dragend", () => {
      card.classList.remove("dragging");
      dragged = null;
    });
  }
  for (const column of document.querySelectorAll(".column[data-stage]")) {
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
});
