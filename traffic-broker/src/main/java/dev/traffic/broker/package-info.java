/**
 * The credential broker: the CREDENTIALS request stage ({@link dev.traffic.broker.BrokerStage}),
 * the {@code credentials:} key of the policy file ({@link dev.traffic.broker.CredentialsConfig}),
 * where the real secrets live and how they are re-read ({@link dev.traffic.broker.Vault},
 * {@link dev.traffic.broker.SecretWatcher}) and GitHub App token minting
 * ({@link dev.traffic.broker.GitHubAppTokens}). {@code internal}: byte replacement with hold-back,
 * response content codings, SigV4. No Netty.
 */
package dev.traffic.broker;
