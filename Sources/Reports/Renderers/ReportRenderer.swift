/// Turns a `Report` into the files `ustrack report` writes. Pure: no I/O, no clock.
public enum ReportRenderer {}
