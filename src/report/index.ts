/** The reporters' public face for src/cli: formats, run reporters, the run report, check output. */
export { renderCheck, defaultUsageWarnPercent, type CheckRenderOptions } from './check-render.js';
export { toCheckJson, type CheckJson } from './check-json.js';
export { createCheckReporter, type CheckReporter, type CheckReporterOptions } from './check-reporter.js';
export { chooseFormat, useColor, type ReportFormat } from './format.js';
export { writeReportFile } from './report-file.js';
export {
  buildRunReport,
  summarizeRun,
  type HostReport,
  type RunReport,
  type RunReportMeta,
  type StepReport,
} from './run-report.js';
export { createRunReporter, type RunReporter, type RunReporterOptions } from './run-reporter.js';
export { formatRunSummary } from './summary-line.js';
