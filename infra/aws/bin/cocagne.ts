// The CDK app's entry point (cdk.json `app`), run by Node's type stripping like the repository's
// other entry points.
import { cocagneApp } from '../app.ts';

cocagneApp().app.synth();
