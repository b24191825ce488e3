"use strict";
// ReDoc's sidebar credit shows the vendor's logo from its CDN, always. This page loads
// nothing from other hosts, so the logo gets an empty image instead: it fails to load,
// and ReDoc then leaves it out.
const vendorCdn = "https://cdn.redoc.ly/";
const imageSource = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
Object.defineProperty(HTMLImageElement.prototype, "src", {
  ...imageSource,
  set(value) {
    imageSource.set.call(this, String(value).startsWith(vendorCdn) ? "data:," : value);
  },
});

// Starts ReDoc in its container, on the schema the page names.
const container = document.getElementById("redoc-container");
Redoc.init(container.dataset.specUrl, {}, container);
