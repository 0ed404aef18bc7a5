package org.bedside.sandbox;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects one in-process {@link SandboxServer} shared by every test class in the JVM: booting takes about 25 s, so
 * it happens once, and the server is closed when the whole run ends (root store).
 */
final class SharedSandbox implements ParameterResolver {

    /** The demo Patient every test may chart against. */
    static final String PATIENT_ID = "bed-test";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedSandbox.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SandboxServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Running.class, key -> Running.boot(), Running.class)
                .server();
    }

    private record Running(SandboxServer server) implements ExtensionContext.Store.CloseableResource {

        static Running boot() {
            try {
                return new Running(SandboxServer.start(SandboxOptions.ephemeral(PATIENT_ID)));
            } catch (Exception e) {
                throw new IllegalStateException("the FHIR sandbox did not start", e);
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
