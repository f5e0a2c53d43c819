"use strict";
// Interactive flame graph: click to zoom, Reset Zoom, regex search with matched percentage, hover
// details. Settings come from data-* attributes of the root <svg>; names are read from the DOM as
// text, never evaluated or inserted as markup.
var fg = { searching: false };
function init() {
  var svg = document.getElementById("flamegraph");
  fg.svg = svg;
  fg.details = document.getElementById("details");
  fg.searchbtn = document.getElementById("search");
  fg.unzoombtn = document.getElementById("unzoom");
  fg.matched = document.getElementById("matched");
  fg.frames = document.getElementById("frames");
  fg.nametype = svg.getAttribute("data-nametype");
  fg.fontsize = parseFloat(svg.getAttribute("data-fontsize"));
  fg.fontwidth = parseFloat(svg.getAttribute("data-fontwidth"));
  fg.xpad = parseFloat(svg.getAttribute("data-xpad"));
  fg.full = parseFloat(svg.getAttribute("data-width")) - 2 * fg.xpad;
  fg.inverted = svg.getAttribute("data-inverted") === "1";
  fg.searchcolor = svg.getAttribute("data-searchcolor");
  fg.frames.addEventListener("click", function (e) {
    var g = frameOf(e.target);
    if (g) zoom(g);
  });
  fg.frames.addEventListener("mouseover", function (e) {
    var g = frameOf(e.target);
    if (g) fg.details.textContent = fg.nametype + " " + info(g);
  });
  fg.frames.addEventListener("mouseout", function () {
    fg.details.textContent = " ";
  });
  fg.unzoombtn.addEventListener("click", unzoom);
  fg.searchbtn.addEventListener("click", searchPrompt);
  window.addEventListener("keydown", function (e) {
    if (e.keyCode === 114 || (e.ctrlKey && e.keyCode === 70)) {
      e.preventDefault();
      searchPrompt();
    } else if (e.keyCode === 27) {
      unzoom();
    }
  });
}
function frameOf(el) {
  while (el && el !== fg.svg) {
    if (el.tagName === "g" && el.getAttribute("class") === "f") return el;
    el = el.parentNode;
  }
  return null;
}
function child(g, tag) {
  for (var c = g.firstChild; c; c = c.nextSibling) if (c.tagName === tag) return c;
  return null;
}
function info(g) { return child(g, "title").textContent; }
function fname(g) { return info(g).replace(/ \([^()]*\)$/, ""); }
function orig(e, a) {
  var o = e.getAttribute("data-o" + a);
  return parseFloat(o !== null ? o : e.getAttribute(a));
}
function setAttr(e, a, v) {
  if (e.getAttribute("data-o" + a) === null) e.setAttribute("data-o" + a, e.getAttribute(a));
  e.setAttribute(a, v);
}
function restoreAttr(e, a) {
  var o = e.getAttribute("data-o" + a);
  if (o !== null) {
    e.setAttribute(a, o);
    e.removeAttribute("data-o" + a);
  }
}
function label(g) {
  var r = child(g, "rect"), t = child(g, "text");
  var w = parseFloat(r.getAttribute("width"));
  t.setAttribute("x", (parseFloat(r.getAttribute("x")) + 3).toFixed(2));
  var chars = Math.floor((w - 3) / (fg.fontsize * fg.fontwidth));
  var name = fname(g).replace(/_\[[kwij]\]$/, "");
  if (chars < 3) t.textContent = "";
  else if (name.length <= chars) t.textContent = name;
  else t.textContent = name.substring(0, chars - 2) + "..";
}
function all() { return fg.frames.getElementsByTagName("g"); }
function zoom(g) {
  var r = child(g, "rect");
  var x0 = orig(r, "x"), w0 = orig(r, "width"), y0 = parseFloat(r.getAttribute("y"));
  if (!(w0 > 0)) return;
  var ratio = fg.full / w0, fudge = 0.0001;
  fg.unzoombtn.style.opacity = "1.0";
  var el = all();
  for (var i = 0; i < el.length; i++) {
    var e = el[i], er = child(e, "rect");
    var ex = orig(er, "x"), ew = orig(er, "width"), ey = parseFloat(er.getAttribute("y"));
    var ancestorRow = fg.inverted ? ey < y0 : ey > y0;
    if (ancestorRow) {
      if (ex <= x0 + fudge && ex + ew + fudge >= x0 + w0) {
        e.style.display = "block";
        e.style.opacity = "0.5";
        setAttr(er, "x", fg.xpad);
        setAttr(er, "width", fg.full);
        label(e);
      } else {
        e.style.display = "none";
      }
    } else if (ex + fudge < x0 || ex + fudge >= x0 + w0) {
      e.style.display = "none";
    } else {
      e.style.display = "block";
      e.style.opacity = "1";
      setAttr(er, "x", ((ex - x0) * ratio + fg.xpad).toFixed(2));
      setAttr(er, "width", (ew * ratio).toFixed(2));
      label(e);
    }
  }
}
function unzoom() {
  fg.unzoombtn.style.opacity = "0.0";
  var el = all();
  for (var i = 0; i < el.length; i++) {
    var e = el[i], r = child(e, "rect");
    e.style.display = "block";
    e.style.opacity = "1";
    restoreAttr(r, "x");
    restoreAttr(r, "width");
    label(e);
  }
}
function resetSearch() {
  var el = all();
  for (var i = 0; i < el.length; i++) restoreAttr(child(el[i], "rect"), "fill");
  fg.searching = false;
  fg.searchbtn.style.opacity = "0.1";
  fg.searchbtn.textContent = "Search";
  fg.matched.textContent = " ";
}
function searchPrompt() {
  if (fg.searching) {
    resetSearch();
    return;
  }
  var term = prompt("Enter a search term (regexp allowed, eg: ^ext4_)", "");
  if (term !== null && term !== "") search(term);
}
// Returns the matched percentage of all samples (frames nested in a matched frame count once).
function search(term) {
  var re;
  try {
    re = new RegExp(term);
  } catch (err) {
    fg.matched.textContent = "Invalid regexp";
    return -1;
  }
  if (fg.searching) resetSearch();
  var el = all(), matches = [], total = 0;
  for (var i = 0; i < el.length; i++) {
    var r = child(el[i], "rect");
    var x = orig(r, "x"), w = orig(r, "width");
    if (w > total) total = w;
    if (re.test(fname(el[i]))) {
      setAttr(r, "fill", fg.searchcolor);
      matches.push([x, w]);
    }
  }
  fg.searching = true;
  fg.searchbtn.style.opacity = "1.0";
  fg.searchbtn.textContent = "Reset Search";
  matches.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  var count = 0, end = -1, fudge = 0.0001;
  for (var k = 0; k < matches.length; k++) {
    if (matches[k][0] >= end - fudge) {
      count += matches[k][1];
      end = matches[k][0] + matches[k][1];
    }
  }
  var pct = total > 0 ? (100 * count) / total : 0;
  fg.matched.textContent = "Matched: " + (pct >= 99.99995 ? "100" : pct.toFixed(1)) + "%";
  return pct;
}
