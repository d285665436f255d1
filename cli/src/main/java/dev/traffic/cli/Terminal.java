package dev.traffic.cli;

/** Whether stdout/stderr are a terminal (colour, progress bars): a console exists and TERM is not dumb. */
final class Terminal {
    private Terminal() {}

    static boolean isStdoutTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM")) && System.getenv("NO_COLOR") == null;
    }

    /** The JDK cannot ask about stderr alone; a console means both ends are a terminal unless redirected. */
    static boolean isStderrTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }
}
