package org.bedside.authserver;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.Map;

/** JSON in and out for the admin API, with the JSON library Nimbus already brings. */
final class Json {
    private Json() {}

    static String write(Map<String, ?> object) {
        return JSONObjectUtils.toJSONString(object);
    }

    static Map<String, Object> read(String text) {
        try {
            return JSONObjectUtils.parse(text);
        } catch (ParseException e) {
            throw new IllegalStateException("not JSON: " + e.getMessage(), e);
        }
    }
}
