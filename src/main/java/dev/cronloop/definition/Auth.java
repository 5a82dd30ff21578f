package dev.cronloop.definition;

/** Credentials a request sends in its Authorization header. Both forms print without secrets. */
public sealed interface Auth permits Auth.Basic, Auth.Bearer {

  /** The value of the Authorization header. Call it only where the request is built. */
  String header();

  /** {@code Authorization: Basic base64(user:password)}. */
  record Basic(Secret user, Secret password) implements Auth {
    @Override
    public String header() {
      String pair = user.reveal() + ":" + password.reveal();
      return "Basic "
          + java.util.Base64.getEncoder()
              .encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Basic[***]";
    }
  }

  /** {@code Authorization: Bearer token}. */
  record Bearer(Secret token) implements Auth {
    @Override
    public String header() {
      return "Bearer " + token.reveal();
    }

    @Override
    public String toString() {
      return "Bearer[***]";
    }
  }
}
