/** Reports (issue 14): the morning report for supervisors, as HTML, Markdown and XLSX. */
export { writeMorningReport, reportsDirOf, formatMorningSummary, type MorningArgs, type MorningResult } from './morning.js';
export { readMorning } from './scope.js';
export { renderHtml, HTML_MAX_ROWS } from './html.js';
export { renderMarkdown, summaryLine } from './markdown.js';
export { renderXlsx, xlsxSheets, COLUMNS as XLSX_COLUMNS, LIST_SHEET } from './xlsx.js';
export { morningWindow, shanghaiDate, totalsOf, type MorningData, type ReportCase, type MorningWindow, type Totals } from './model.js';
export { esc } from './svg.js';
