// The secrets an environment holds: variables named like credentials (…PASSWORD, …TOKEN, …SECRET, …API_KEY,
// …CREDENTIALS) and the userinfo of any URI-valued variable (MLFLOW_TRACKING_URI=http://user:pass@host, REDIS_URL).
import { registerSecrets, registerUriSecrets } from './redact.js';

const SECRET_NAME = /(PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|CREDENTIALS?)$/i;

export function registerEnvironmentSecrets(environment: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(environment)) {
    if (!value) continue;
    if (SECRET_NAME.test(name)) registerSecrets(value);
    if (value.includes('://')) registerUriSecrets(value);
  }
}
