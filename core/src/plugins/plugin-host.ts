// The root container and the registries read from it: what the CLI and embedders resolve plugins through.
import 'reflect-metadata';
import { Container, type ContainerModule } from 'inversify';
import { collectRegistries, type PluginRegistries } from './plugin-registry.js';

export class PluginHost {
  private constructor(
    readonly container: Container,
    readonly registries: PluginRegistries,
  ) {}

  static create(modules: readonly ContainerModule[]): PluginHost {
    const container = new Container();
    container.load(...modules);
    return new PluginHost(container, collectRegistries(container));
  }
}
