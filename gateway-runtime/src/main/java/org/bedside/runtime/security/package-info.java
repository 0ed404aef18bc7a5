/**
 * Who may read and change the gateway over its own HTTP (docs/security.md): {@link HttpAccess} decides, {@link
 * HttpAccessPolicy} applies the decision to every request, {@link UsersFile} holds the bcrypt-hashed users that {@link
 * UsersIdentityProvider} checks basic-authentication credentials against, and every request that would change state is
 * written to the audit log.
 */
@NullMarked
package org.bedside.runtime.security;

import org.jspecify.annotations.NullMarked;
