import { Chart, ChartProps } from 'cdk8s';
import { ClusterGuardrails, CoreDnsConfig } from 'cdk8s-netkit';
import { Construct } from 'constructs';

/** The platform team's chart: CoreDNS with a corporate stub domain, and a metadata guardrail. */
export class ClusterChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new CoreDnsConfig(this, 'coredns').addStubDomain('corp.example', ['10.0.0.53']);
    new ClusterGuardrails(this, 'guardrails', { denyCloudMetadata: true });
  }
}
