/**
 * The console's only script, served by the worker: a confirmation before a form that changes
 * something is sent (`data-confirm`), and copy buttons (`data-copy`: the id of the text to copy).
 * Every page reads without it.
 */
export const SCRIPT = `"use strict";
document.addEventListener("submit", function (event) {
	var form = event.target;
	var question = form && form.getAttribute && form.getAttribute("data-confirm");
	if (question && !window.confirm(question)) event.preventDefault();
});
document.addEventListener("click", function (event) {
	var button = event.target && event.target.closest && event.target.closest("button[data-copy]");
	if (!button) return;
	var source = document.getElementById(button.getAttribute("data-copy"));
	if (!source || !navigator.clipboard) return;
	navigator.clipboard.writeText(source.textContent || "").then(function () {
		var label = button.textContent;
		button.textContent = button.getAttribute("data-copied") || label;
		setTimeout(function () { button.textContent = label; }, 1500);
	}, function () {});
});
for (var button of document.querySelectorAll("button[data-copy]")) button.hidden = false;
`;
