// The alert service's name, as its logs, metrics and Kafka clients carry it. Pure.
export const SERVICE = 'alert-service';
