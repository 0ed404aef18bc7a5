package org.bedside.sandbox;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SMART scopes as a backend server reads them: {@code system/<Type or *>.<permissions>}, where the permissions are
 * SMART v2's letters in order ({@code c}reate, {@code r}ead, {@code u}pdate, {@code d}elete, {@code s}earch, e.g.
 * {@code cruds}, {@code rs}) or SMART v1's words ({@code read} = r+s, {@code write} = c+u+d, {@code *} = all). Only the
 * {@code system/} context applies to a backend client; {@code patient/} and {@code user/} scopes grant it nothing.
 */
final class ScopeRules {
    private static final Pattern SCOPE = Pattern.compile("system/([A-Za-z]+|\\*)\\.([a-z*]+)");

    private ScopeRules() {}

    /** Whether any of {@code granted} allows {@code permission} (one of c, r, u, d, s) on {@code type}. */
    static boolean allows(Collection<String> granted, String type, char permission) {
        for (String scope : granted) {
            Matcher m = SCOPE.matcher(scope);
            if (!m.matches()) {
                continue;
            }
            if (!m.group(1).equals("*") && !m.group(1).equals(type)) {
                continue;
            }
            String p = m.group(2);
            boolean ok = switch (p) {
                case "*" -> true;
                case "read" -> permission == 'r' || permission == 's';
                case "write" -> permission == 'c' || permission == 'u' || permission == 'd';
                default -> isV2(p) && p.indexOf(permission) >= 0;
            };
            if (ok) {
                return true;
            }
        }
        return false;
    }

    /** The v2 scope that would allow it, for the 403's {@code scope=} and the message. */
    static String needed(String type, char permission) {
        return "system/" + type + "." + permission;
    }

    /** v2 permission letters appear at most once each and in the order c, r, u, d, s. */
    private static boolean isV2(String p) {
        return p.matches("c?r?u?d?s?") && !p.isEmpty();
    }
}
