"use strict";
// The filters dialog's forms send only the fields that hold a value: an empty field filters
// nothing, so it stays out of the URL rather than adding `name=&age=&...` to it.
for (const form of document.querySelectorAll("#filtersModal form")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (value !== "") {
        query.append(name, value);
      }
    }
    const url = new URL(form.action);
    url.search = query.toString();
    window.location.assign(url.href);
  });
}
