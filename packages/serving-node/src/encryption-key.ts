import { SecretKeyError, type Logger, type SecretBox } from "@uptop/core";
import { verifySecretKey, type Store } from "@uptop/store";

/**
 * A wrong key must stop the node now, not surface later as every notification failing: one
 * stored secret is decrypted as proof.
 */
export async function checkEncryptionKey(store: Store, box: SecretBox, logger: Logger): Promise<void> {
  try {
    if (await verifySecretKey(store.db, box)) logger.info("encryption key opens the stored secrets");
  } catch (err) {
    await store.close().catch(() => {});
    const why = err instanceof Error ? err.message : String(err);
    throw new SecretKeyError(
      `UPTOP_ENCRYPTION_KEY cannot decrypt the stored secrets (${why}); start with the key they were encrypted with, or re-encrypt them with "uptop-admin rotate-key"`,
    );
  }
}
