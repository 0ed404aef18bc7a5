package org.bedside.runtime.config;

import java.util.ArrayList;
import java.util.List;

/** The configuration errors found, each naming its key; thrown all together so one edit can fix them all. */
public final class ConfigProblems extends RuntimeException {
    private final List<String> problems;

    public ConfigProblems(List<String> problems) {
        super("the configuration has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    /** Collects problems while checking. */
    static final class Collector {
        private final List<String> problems = new ArrayList<>();

        void add(String key, String problem) {
            problems.add(key + ": " + problem);
        }

        void throwIfAny() {
            if (!problems.isEmpty()) {
                throw new ConfigProblems(problems);
            }
        }
    }
}
