package dev.traffic.stage;

/**
 * The fixed order of request stages. RULES refuse destructive calls on what the sandbox asked for;
 * INSPECTION scans for secrets leaving and decides what is recorded; CREDENTIALS runs last, after
 * the flow's record is taken, so the real secrets it injects are never recorded or scanned as leaks.
 */
public enum StageOrder {
    RULES,
    INSPECTION,
    CREDENTIALS
}
