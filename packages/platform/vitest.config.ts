import { testConfig } from '@renda/testing/vitest-config';

export default testConfig();
