import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { SidePanel } from '@jupyterlab/ui-components';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { connectIcon } from '../icons';
import { ConnectModel } from '../model';
import { Publisher } from '../publish';
import { PublishWidget } from './PublishForm';
import { ServersWidget } from './ServerList';

/** The id of the sidebar panel (also used by the layout restorer and tests). */
export const PANEL_ID = 'rsconnect-lab-panel';

/**
 * The room (px) the Publish section keeps at least when the server list (or the
 * add-server form) is long: the Servers section is capped to the larger of half
 * the panel and all but this, and scrolls beyond.
 */
const MIN_PUBLISH_HEIGHT = 240;

/**
 * The height (px) of the Servers section for its content: as tall as the
 * content, capped so that the Publish section keeps room; `available` is the
 * height of both sections together.
 */
export function serversHeight(content: number, available: number): number {
  const cap = Math.max(available / 2, available - MIN_PUBLISH_HEIGHT);
  return Math.max(0, Math.min(Math.ceil(content), Math.floor(cap)));
}

/**
 * The left sidebar's "Posit Connect" panel: a "Servers" section and a
 * "Publish" section for the current document. The Servers section is as tall
 * as its content; the Publish section has the rest and is the one that scrolls.
 */
export class ConnectPanel extends SidePanel {
  constructor(options: ConnectPanel.IOptions) {
    super({ translator: options.translator });
    const { trans } = options;
    this.id = PANEL_ID;
    this.addClass('jp-RSConnect-panel');
    this.title.icon = connectIcon;
    this.title.caption = trans.__('Posit Connect');

    const header = document.createElement('h2');
    header.className = 'jp-RSConnect-title';
    header.textContent = trans.__('Posit Connect');
    this.header.addWidget(new Widget({ node: header }));

    this.servers = new ServersWidget({
      model: options.model,
      trans,
      onMakeDefault: options.onMakeDefault
    });
    this.publish = new PublishWidget({
      model: options.model,
      trans,
      onPublish: options.onPublish,
      onAddServer: prefill => {
        this.expandSection(this.servers);
        this.servers.showAddForm(prefill);
      }
    });
    this.addWidget(this.servers);
    this.addWidget(this.publish);
    // The publish form needs the room; the server list is short.
    if (this.content instanceof AccordionPanel) {
      this.content.setRelativeSizes([1, 3]);
      this.content.expansionToggled.connect(() => this._scheduleFit(), this);
    }
    // The server list is as tall as its content (an error in the add form
    // included), up to a cap; the publish section has the rest.
    this.servers.contentResized.connect(() => this._scheduleFit(), this);
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._scheduleFit();
  }

  /** Fit the sections after the layout settled (once per frame). */
  private _scheduleFit(): void {
    if (this._fitRequested) {
      return;
    }
    this._fitRequested = true;
    requestAnimationFrame(() => {
      this._fitRequested = false;
      if (!this.isDisposed) {
        this._fit();
      }
    });
  }

  private _fit(): void {
    const servers = this.servers;
    const publish = this.publish;
    if (
      !(this.content instanceof AccordionPanel) ||
      !servers.isVisible ||
      !publish.isVisible ||
      servers.contentHeight <= 0
    ) {
      return;
    }
    const available = servers.node.offsetHeight + publish.node.offsetHeight;
    if (available <= 0) {
      return;
    }
    const style = getComputedStyle(servers.node);
    const padding =
      parseFloat(style.paddingTop || '0') +
      parseFloat(style.paddingBottom || '0');
    const wanted = serversHeight(servers.contentHeight + padding, available);
    if (Math.abs(wanted - servers.node.offsetHeight) < 1) {
      return;
    }
    this.content.setRelativeSizes([wanted, available - wanted]);
  }

  /** The "Servers" section. */
  readonly servers: ServersWidget;
  /** The "Publish" section. */
  readonly publish: PublishWidget;

  private _fitRequested = false;

  /** Expand a section (the panel's content is an accordion). */
  expandSection(widget: Widget): void {
    const index = this.widgets.indexOf(widget);
    if (index >= 0 && this.content instanceof AccordionPanel) {
      this.content.expand(index);
    }
  }
}

export namespace ConnectPanel {
  export interface IOptions {
    model: ConnectModel;
    trans: TranslationBundle;
    translator: ITranslator;
    onPublish: (
      options: Omit<Publisher.IOptions, 'model' | 'trans'>
    ) => Promise<unknown>;
    onMakeDefault?: (name: string) => void;
  }
}
