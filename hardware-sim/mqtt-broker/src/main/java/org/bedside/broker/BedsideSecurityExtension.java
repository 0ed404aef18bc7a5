package org.bedside.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveMQ's security, from the users file: a client connects only with a known user name and its password, and then may
 * publish and subscribe only where that user's rules allow (everything else is denied). Without a users file every
 * client is let in with every topic allowed, which only the demo's throwaway broker uses.
 */
final class BedsideSecurityExtension implements ExtensionMain {
    private static final Logger LOG = LoggerFactory.getLogger(BedsideSecurityExtension.class);

    private final @Nullable BrokerUsers users;

    BedsideSecurityExtension(@Nullable BrokerUsers users) {
        this.users = users;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> new Authenticator());
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}

    private final class Authenticator implements SimpleAuthenticator {
        @Override
        public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
            String clientId = input.getClientInformation().getClientId();
            BrokerUsers known = users;
            if (known == null) {
                output.getDefaultPermissions().add(permission("#", TopicPermission.MqttActivity.ALL));
                output.authenticateSuccessfully();
                return;
            }
            Optional<String> name = input.getConnectPacket().getUserName();
            Optional<ByteBuffer> password = input.getConnectPacket().getPassword();
            if (name.isEmpty() || password.isEmpty()) {
                LOG.warn("Refused client '{}': no user name or password", clientId);
                output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "user name and password needed");
                return;
            }
            ByteBuffer pw = password.get().asReadOnlyBuffer();
            byte[] bytes = new byte[pw.remaining()];
            pw.get(bytes);
            Optional<BrokerUsers.User> user = known.authenticate(name.get(), bytes);
            if (user.isEmpty()) {
                LOG.warn("Refused client '{}': wrong user name or password for '{}'", clientId, name.get());
                output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "wrong user name or password");
                return;
            }
            var permissions = output.getDefaultPermissions();
            for (String filter : user.get().publish()) {
                permissions.add(permission(filter, TopicPermission.MqttActivity.PUBLISH));
            }
            for (String filter : user.get().subscribe()) {
                permissions.add(permission(filter, TopicPermission.MqttActivity.SUBSCRIBE));
            }
            permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
            LOG.info("Client '{}' connected as user '{}'", clientId, name.get());
            output.authenticateSuccessfully();
        }
    }

    private static TopicPermission permission(String filter, TopicPermission.MqttActivity activity) {
        return Builders.topicPermission()
                .topicFilter(filter)
                .type(TopicPermission.PermissionType.ALLOW)
                .activity(activity)
                .build();
    }
}
