package org.bedside.runtime.signals;

import java.io.IOException;
import java.util.Map;

/**
 * Where the audio pause and its end are audited: the box's audit log ({@code AuditLog::record}, {@code
 * <data-dir>/audit/audit.jsonl}), or a list in tests.
 */
@FunctionalInterface
public interface SignalAudit {
    void record(String action, Map<String, ?> fields) throws IOException;
}
