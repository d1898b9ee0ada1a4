import { type Button, type ModalView } from '@slack/types';
import { z } from 'zod';
import { button, escapeText, plain, section } from '../message';

export const SCALE_MODAL_ACTION = 'modal:scale';
export const SCALE_MODAL_CALLBACK = 'scale_modal';
export const SCALE_INPUT_BLOCK = 'count';
export const SCALE_INPUT_ACTION = 'count_input';

export const ScaleButtonValue = z.object({
  cluster: z.string().min(1),
  service: z.string().min(1),
  current: z.number().int().min(0),
});
export type ScaleButtonValue = z.infer<typeof ScaleButtonValue>;

/** What the modal remembers between opening and submit (Slack's private_metadata, ≤ 3000 chars). */
export const ScaleModalMetadata = ScaleButtonValue.extend({ channelId: z.string(), responseUrl: z.string().url() });
export type ScaleModalMetadata = z.infer<typeof ScaleModalMetadata>;

/** The Scale button of a service: opens a modal with the current count filled in. */
export function scaleButton(cluster: string, service: string, current: number): Button {
  return button('Scale', SCALE_MODAL_ACTION, JSON.stringify({ cluster, service, current } satisfies ScaleButtonValue));
}

export function scaleModal(meta: ScaleModalMetadata): ModalView {
  return {
    type: 'modal',
    callback_id: SCALE_MODAL_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: plain('Scale service'),
    submit: plain('Scale'),
    close: plain('Cancel'),
    blocks: [
      section(`*${escapeText(meta.service)}* in *${escapeText(meta.cluster)}* runs *${meta.current}* now.`),
      {
        type: 'input',
        block_id: SCALE_INPUT_BLOCK,
        label: plain('Desired count'),
        element: {
          type: 'number_input',
          action_id: SCALE_INPUT_ACTION,
          is_decimal_allowed: false,
          min_value: '0',
          max_value: '1000',
          initial_value: String(Math.min(meta.current, 1000)),
        },
        hint: plain('How many tasks should run. 0 stops the service without deleting it.'),
      },
    ],
  };
}
