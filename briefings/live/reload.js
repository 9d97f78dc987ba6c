// Live reload for `briefings serve`, injected into HTML responses at serve time only.
// It long-polls the server; when a rebuild changed this page it reloads, when only stylesheets
// changed it swaps them in place, and it shows or clears the build-error overlay.
(() => {
  "use strict";
  const script = document.currentScript;
  const page = script.dataset.page;
  const instance = script.dataset.instance;
  let version = Number(script.dataset.version);

  function overlayFor(problems) {
    const overlay = document.createElement("div");
    overlay.id = "briefings-overlay";
    overlay.setAttribute("role", "alert");
    const title = document.createElement("p");
    title.className = "briefings-overlay-title";
    const noun = problems.length === 1 ? "problem" : "problems";
    title.textContent = `The site does not build (${problems.length} ${noun}); showing the last good build.`;
    const list = document.createElement("pre");
    list.textContent = problems.join("\n");  // text, never markup: messages quote the user's files
    overlay.append(title, list);
    return overlay;
  }

  function showProblems(problems) {
    const old = document.getElementById("briefings-overlay");
    if (old) old.remove();
    if (problems.length) document.body.append(overlayFor(problems));
  }

  function swapStyles(paths) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || !paths.includes(url.pathname.slice(1))) continue;
      url.searchParams.set("v", String(version));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      // The old sheet goes only once the new one has loaded, so the page never shows unstyled.
      fresh.addEventListener("load", () => link.remove(), { once: true });
      link.after(fresh);
    }
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function follow() {
    for (;;) {
      const query = new URLSearchParams({ since: String(version), page, instance });
      let state;
      try {
        const response = await fetch(`/__briefings__/poll?${query}`, { cache: "no-store" });
        if (!response.ok) throw new Error(`poll answered ${response.status}`);
        state = await response.json();
      } catch {
        await pause(1000);  // the server is restarting or gone: try again, quietly
        continue;
      }
      if (state.reload) {
        location.reload();
        return;
      }
      version = state.version;
      if (state.styles.length) swapStyles(state.styles);
      showProblems(state.problems);
    }
  }

  follow();
})();
