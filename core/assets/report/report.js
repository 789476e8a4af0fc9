// distill report: the page's script, inlined into every report. It draws each chart from its Vega-Lite spec (the
// JSON in #report-charts) with vega-embed as SVG, sorts tables whose headers are clicked, and marks the page
// `data-report-state="ready"` once every chart is drawn (or "error" if one could not be), for people and tests alike.
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('report-charts').textContent);
  var figures = Array.prototype.slice.call(document.querySelectorAll('figure[data-chart]'));

  function draw(figure) {
    var id = figure.getAttribute('data-chart');
    var target = figure.querySelector('.chart-canvas');
    return vegaEmbed(target, specs[id], {
      mode: 'vega-lite',
      renderer: 'svg',
      // Export to SVG or PNG stays; nothing that opens another site.
      actions: { export: true, source: false, compiled: false, editor: false },
    }).then(
      function () {
        figure.setAttribute('data-rendered', 'true');
      },
      function (error) {
        figure.setAttribute('data-rendered', 'error');
        var message = document.createElement('p');
        message.className = 'chart-error';
        message.textContent = 'This chart could not be drawn: ' + (error && error.message ? error.message : String(error));
        target.appendChild(message);
        console.error('chart ' + id + ': ', error);
        throw error;
      },
    );
  }

  function sortValue(row, column, type) {
    var cell = row.cells[column];
    var raw = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent.trim();
    if (type === 'number') {
      var number = raw === '' ? NaN : Number(raw);
      return isNaN(number) ? null : number;
    }
    return raw === '' ? null : raw.toLowerCase();
  }

  // Missing values (failed trials, NaN) stay at the bottom in either direction.
  function compare(a, b, direction) {
    if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
    if (a.value < b.value) return -direction;
    if (a.value > b.value) return direction;
    return a.index - b.index;
  }

  function sortBy(table, header) {
    var column = Number(header.getAttribute('data-column'));
    var type = header.getAttribute('data-type');
    var direction = header.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
      return { row: row, index: index, value: sortValue(row, column, type) };
    });
    rows.sort(function (a, b) {
      return compare(a, b, direction);
    });
    rows.forEach(function (entry) {
      body.appendChild(entry.row);
    });
    Array.prototype.forEach.call(table.querySelectorAll('th[data-column]'), function (th) {
      th.setAttribute('aria-sort', 'none');
    });
    header.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
  }

  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll('th[data-column] button'), function (button) {
      button.addEventListener('click', function () {
        sortBy(table, button.closest('th'));
      });
    });
  });

  Promise.allSettled(figures.map(draw)).then(function (results) {
    var failed = results.some(function (result) {
      return result.status === 'rejected';
    });
    document.body.setAttribute('data-report-state', failed ? 'error' : 'ready');
  });
})();
